/** Group commit: many callers' small writes applied in few transactions. */
package io.edgeloop.kit.batch;
