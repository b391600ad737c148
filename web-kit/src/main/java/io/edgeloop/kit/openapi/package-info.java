/** What every app's OpenAPI document shares: the error shape ({@link io.edgeloop.kit.openapi.ProblemResponses}). */
package io.edgeloop.kit.openapi;
