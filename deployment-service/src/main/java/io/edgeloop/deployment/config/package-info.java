/** Settings of the deployment service ({@code edgeloop.deployment.*}). */
package io.edgeloop.deployment.config;
