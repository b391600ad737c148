/** REST API of the data service: datasets, sample ingest (JSON, CSV) and snapshots. */
package io.edgeloop.data.api;
