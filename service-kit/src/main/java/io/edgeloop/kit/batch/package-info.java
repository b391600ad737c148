/** Many callers sharing scarce resources: group commit (small writes in few transactions) and admission (bursts queued in front of a pool). */
package io.edgeloop.kit.batch;
