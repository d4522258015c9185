package dev.condensenet.model.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh PyTorch CPU {@link NDManager} for each test, closed after it, so that arrays a test leaks are freed
 * and counted per test. Register it with {@code @RegisterExtension final CpuManagerExtension cpu = ...}.
 */
public final class CpuManagerExtension implements BeforeEachCallback, AfterEachCallback {

    private NDManager manager;

    @Override
    public void beforeEach(ExtensionContext context) {
        TorchRuntime.init();
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (manager != null) {
            manager.close();
            manager = null;
        }
    }

    /** The current test's manager; valid between {@code beforeEach} and {@code afterEach}. */
    public NDManager manager() {
        return manager;
    }
}
