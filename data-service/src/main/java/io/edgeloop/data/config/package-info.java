/** Configuration of the data service ({@code edgeloop.data.*}). */
package io.edgeloop.data.config;
