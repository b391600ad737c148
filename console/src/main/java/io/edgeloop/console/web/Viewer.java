package io.edgeloop.console.web;

/**
 * Who is looking at a page, as every template gets it.
 *
 * @param user the logged-in user's subject
 * @param csrf the session's CSRF token, sent back by every form that changes something
 * @param release whether the user's token has role {@code release} (or one implying it): rollout controls are shown
 *     only then; the service still decides
 */
public record Viewer(String user, String csrf, boolean release) {}
