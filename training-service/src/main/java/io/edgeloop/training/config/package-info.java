/** Configuration of the training service ({@code edgeloop.training.*}). */
package io.edgeloop.training.config;
