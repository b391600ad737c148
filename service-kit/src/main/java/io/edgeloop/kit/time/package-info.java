/** Time as an injectable {@link java.time.Clock}. */
package io.edgeloop.kit.time;
