/** Compilations and their variants in PostgreSQL (Hibernate ORM with Panache, schema managed by Hibernate). */
package io.edgeloop.compiler.persistence;
