package io.edgeloop.common.auth;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The roles of the stack. A token carries the roles it was minted with in its {@code groups} claim; every service
 * expands them with {@link #expand(Collection)} so that, for example, an {@code admin} may do what a {@code release}
 * user may.
 *
 * <ul>
 *   <li>{@link #VIEWER}: read anything.
 *   <li>{@link #DATA}: ingest, label and snapshot data.
 *   <li>{@link #ML}: train, compile, upload and register models.
 *   <li>{@link #RELEASE}: aliases, deployment policies, rollouts and rollbacks.
 *   <li>{@link #ADMIN}: everything, including garbage collection, deletion, keys and devices.
 *   <li>{@link #DEVICE}: an edge device acting for itself only (its subject is its device id).
 * </ul>
 */
public final class Roles {
    public static final String VIEWER = "viewer";
    public static final String DATA = "data";
    public static final String ML = "ml";
    public static final String RELEASE = "release";
    public static final String ADMIN = "admin";
    public static final String DEVICE = "device";

    /** Every role a person or a service can be given. */
    public static final List<String> ALL = List.of(VIEWER, DATA, ML, RELEASE, ADMIN, DEVICE);

    private static final Map<String, Set<String>> IMPLIES = Map.of(
            ADMIN, Set.of(VIEWER, DATA, ML, RELEASE),
            RELEASE, Set.of(VIEWER),
            ML, Set.of(VIEWER),
            DATA, Set.of(VIEWER));

    private Roles() {}

    /** The given roles plus every role they imply; unknown names are kept as they are (they grant nothing). */
    public static Set<String> expand(Collection<String> roles) {
        Set<String> out = new TreeSet<>(roles);
        for (String r : roles) {
            out.addAll(IMPLIES.getOrDefault(r, Set.of()));
        }
        return out;
    }

    /** Whether {@code name} is one of {@link #ALL}. */
    public static boolean isKnown(String name) {
        return ALL.contains(name);
    }
}
