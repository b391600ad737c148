/**
 * Quarkus test resources that start the embedded servers once per test JVM and point the application at them.
 * Annotate one test class with {@code @QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass
 * = false)}.
 */
package io.edgeloop.embedded.quarkus;
