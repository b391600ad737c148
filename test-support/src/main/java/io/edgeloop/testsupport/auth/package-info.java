/**
 * Authentication in tests of the Quarkus apps, switched on by having test-support on the test class path: a per-JVM
 * signing key pair ({@link io.edgeloop.testsupport.auth.TestAuth}) whose public key every app under test verifies
 * with ({@link io.edgeloop.testsupport.auth.TestAuthConfigSource}), and an {@code admin} bearer token that REST
 * Assured and the apps' gRPC clients send unless a test sends another
 * ({@link io.edgeloop.testsupport.auth.RestAssuredAuth}).
 */
package io.edgeloop.testsupport.auth;
