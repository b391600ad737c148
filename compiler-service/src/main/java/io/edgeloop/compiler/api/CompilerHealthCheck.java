package io.edgeloop.compiler.api;

import ai.onnxruntime.OrtEnvironment;
import io.edgeloop.compiler.config.CompilerConfig;
import io.edgeloop.compiler.domain.CompilationService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when ONNX Runtime's native library is loaded and the work folder is writable; also reports how peak memory is
 * measured ({@code peak_memory_scope}).
 */
@Readiness
@ApplicationScoped
public class CompilerHealthCheck implements HealthCheck {
    @Inject
    CompilerConfig config;

    @Inject
    CompilationService compilations;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("compiler");
        try {
            Path work = CompilationService.workRoot(config);
            Files.createDirectories(work);
            boolean writable = Files.isWritable(work);
            return response.status(writable)
                    .withData("onnxruntime", OrtEnvironment.getEnvironment().getVersion())
                    .withData("work_dir", work.toString())
                    .withData("work_dir_writable", writable)
                    .withData(
                            "peak_memory_scope", compilations.memoryProbeMode().scope())
                    .build();
        } catch (Exception | LinkageError e) {
            return response.down().withData("error", e.toString()).build();
        }
    }
}
