/** Plain-Java pieces shared by every EdgeLoop module: topic names, event headers, hashing, trace context, simulator. */
package io.edgeloop.common;
