/**
 * gRPC server hardening shared by every app: {@link io.edgeloop.kit.rpc.GrpcGuard} checks every request message and
 * hides the internals of unexpected failures.
 */
package io.edgeloop.kit.rpc;
