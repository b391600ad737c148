package io.edgeloop.console.web;

import io.edgeloop.console.clients.DataViews;
import io.edgeloop.console.clients.RegistryViews.ModelRow;
import io.edgeloop.console.clients.ServiceHealth;
import io.edgeloop.kit.api.Problem;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import java.util.List;

/** The console's templates ({@code src/main/resources/templates/pages/*.html}), checked when the app is built. */
@CheckedTemplate(basePath = "pages")
public final class Pages {
    private Pages() {}

    /** The overview: every service's readiness, links to the pages and the loop's events. */
    public static native TemplateInstance overview(
            Viewer viewer, List<ServiceHealth.Status> services, EventsView events);

    /** The registered models. */
    public static native TemplateInstance models(Viewer viewer, List<ModelRow> models);

    /** One model: aliases, versions with lineage, variants side by side. */
    public static native TemplateInstance model(Viewer viewer, ModelView view);

    /** Devices and rollouts. */
    public static native TemplateInstance fleet(Viewer viewer, FleetView view);

    /** Every model with its latest drift alerts, each linking to its monitoring page. */
    public static native TemplateInstance monitoring(Viewer viewer, List<AlertRow> alerts);

    /** One model's drift per feature, its drift over time and its live performance per version and per segment. */
    public static native TemplateInstance drift(Viewer viewer, DriftView view, DriftHistoryView history, LiveView live);

    /** Training runs, newest first. */
    public static native TemplateInstance runs(Viewer viewer, List<RunView.RunRow> runs);

    /** One training run. */
    public static native TemplateInstance run(Viewer viewer, RunView view);

    /** A service's refusal of a rollout action, as its problem said. */
    public static native TemplateInstance refused(Viewer viewer, String action, String rollout, Problem problem);

    /** One version's model card, with its live figures where monitoring has them. */
    public static native TemplateInstance card(Viewer viewer, CardView view);

    /** The data sets. */
    public static native TemplateInstance datasets(Viewer viewer, List<DataViews.Dataset> datasets);

    /** One data set: counts per class and split, snapshots, recent ingests. */
    public static native TemplateInstance dataset(Viewer viewer, DatasetView view);

    /** The login form; {@code error} is shown when not empty. */
    public static native TemplateInstance login(String next, String error);
}
