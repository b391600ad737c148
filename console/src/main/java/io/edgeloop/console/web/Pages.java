package io.edgeloop.console.web;

import io.edgeloop.console.clients.RegistryViews.ModelRow;
import io.edgeloop.console.clients.ServiceHealth;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import java.util.List;

/** The console's templates ({@code src/main/resources/templates/pages/*.html}), checked when the app is built. */
@CheckedTemplate(basePath = "pages")
public final class Pages {
    private Pages() {}

    /** The overview: every service's readiness and links to the pages. */
    public static native TemplateInstance overview(String user, List<ServiceHealth.Status> services);

    /** The registered models. */
    public static native TemplateInstance models(String user, List<ModelRow> models);

    /** One model: aliases, versions with lineage, variants side by side. */
    public static native TemplateInstance model(String user, ModelView view);

    /** Devices and rollouts. */
    public static native TemplateInstance fleet(String user, FleetView view);

    /** Models to choose a drift report from. */
    public static native TemplateInstance monitoring(String user, List<ModelRow> models);

    /** One model's drift per feature. */
    public static native TemplateInstance drift(String user, DriftView view);

    /** Training runs, newest first. */
    public static native TemplateInstance runs(String user, List<RunView.RunRow> runs);

    /** One training run. */
    public static native TemplateInstance run(String user, RunView view);

    /** The login form; {@code error} is shown when not empty. */
    public static native TemplateInstance login(String next, String error);
}
