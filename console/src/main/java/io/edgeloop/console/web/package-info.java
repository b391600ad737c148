/**
 * The console's pages (Qute templates rendered on the server, charts drawn by ECharts in the browser), its login
 * and the view-building classes the pages use.
 */
package io.edgeloop.console.web;
