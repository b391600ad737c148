/** Settings of the compiler service ({@code edgeloop.compiler.*}). */
package io.edgeloop.compiler.config;
