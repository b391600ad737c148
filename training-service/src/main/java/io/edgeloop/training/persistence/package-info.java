/** PostgreSQL persistence of training runs (Hibernate ORM with Panache). */
package io.edgeloop.training.persistence;
