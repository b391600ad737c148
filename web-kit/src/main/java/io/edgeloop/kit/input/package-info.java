/** Input rules shared by REST and gRPC: acceptable request text, and which error messages may reach a caller. */
package io.edgeloop.kit.input;
