/**
 * Bounded fuzzing of an app's whole surface ({@link io.edgeloop.testsupport.hostile.Fuzzer}): every REST endpoint and
 * every gRPC method found in the code gets hostile input, and no answer may be a 5xx, {@code INTERNAL} or
 * {@code UNKNOWN}, or carry SQL, a class name or a stack trace.
 */
package io.edgeloop.testsupport.hostile;
