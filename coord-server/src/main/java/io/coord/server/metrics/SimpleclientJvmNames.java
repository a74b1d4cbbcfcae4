package io.coord.server.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmNativeMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.util.function.ToLongFunction;

/**
 * The JVM figures under the names ZooKeeper 3.9's provider exports them (Prometheus simpleclient
 * 0.9's hotspot exports), which ZooKeeper's alert rules and dashboard 10465 query:
 * {@code jvm_memory_bytes_used{area="heap"}}, {@code jvm_memory_bytes_max}, {@code jvm_memory_pool_bytes_used{pool}},
 * {@code jvm_classes_loaded}. The Prometheus client 1.x's JVM metrics, registered too, name these
 * {@code jvm_memory_used_bytes} and so on, so a rule written for ZooKeeper would find nothing.
 * Read from the JVM's MXBeans at each scrape.
 */
final class SimpleclientJvmNames {
    private SimpleclientJvmNames() {
    }

    /**
     * The client's JVM metrics (as its JvmMetrics registers them) but class loading, whose counter
     * {@code jvm_classes_loaded} would take the name simpleclient gave the loaded-classes gauge
     * dashboard 10465 reads; then simpleclient's names.
     */
    static void register(PrometheusRegistry registry) {
        JvmThreadsMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmMemoryPoolAllocationMetrics.builder().register(registry);
        JvmNativeMemoryMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
        memory(registry, "jvm_memory_bytes_used", "Used bytes of a given JVM memory area.", MemoryUsage::getUsed);
        memory(registry, "jvm_memory_bytes_committed", "Committed (bytes) of a given JVM memory area.",
                MemoryUsage::getCommitted);
        memory(registry, "jvm_memory_bytes_max", "Max (bytes) of a given JVM memory area.", MemoryUsage::getMax);
        memory(registry, "jvm_memory_bytes_init", "Initial bytes of a given JVM memory area.", MemoryUsage::getInit);
        pool(registry, "jvm_memory_pool_bytes_used", "Used bytes of a given JVM memory pool.", MemoryUsage::getUsed);
        pool(registry, "jvm_memory_pool_bytes_committed", "Committed bytes of a given JVM memory pool.",
                MemoryUsage::getCommitted);
        pool(registry, "jvm_memory_pool_bytes_max", "Max bytes of a given JVM memory pool.", MemoryUsage::getMax);
        pool(registry, "jvm_memory_pool_bytes_init", "Initial bytes of a given JVM memory pool.", MemoryUsage::getInit);
        GaugeWithCallback.builder().name("jvm_classes_loaded")
                .help("The number of classes that are currently loaded in the JVM")
                .callback(cb -> cb.call(ManagementFactory.getClassLoadingMXBean().getLoadedClassCount()))
                .register(registry);
        GaugeWithCallback.builder().name("jvm_classes_currently_loaded")
                .help("The number of classes that are currently loaded in the JVM")
                .callback(cb -> cb.call(ManagementFactory.getClassLoadingMXBean().getLoadedClassCount()))
                .register(registry);
        CounterWithCallback.builder().name("jvm_classes_unloaded_total")
                .help("The total number of classes that have been unloaded since the JVM has started execution")
                .callback(cb -> cb.call(ManagementFactory.getClassLoadingMXBean().getUnloadedClassCount()))
                .register(registry);
    }

    private static void memory(PrometheusRegistry registry, String name, String help, ToLongFunction<MemoryUsage> figure) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("area").callback(cb -> {
            var memory = ManagementFactory.getMemoryMXBean();
            cb.call(figure.applyAsLong(memory.getHeapMemoryUsage()), "heap");
            cb.call(figure.applyAsLong(memory.getNonHeapMemoryUsage()), "nonheap");
        }).register(registry);
    }

    private static void pool(PrometheusRegistry registry, String name, String help, ToLongFunction<MemoryUsage> figure) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("pool").callback(cb -> {
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                MemoryUsage usage = pool.getUsage();
                if (usage != null) {
                    cb.call(figure.applyAsLong(usage), pool.getName());
                }
            }
        }).register(registry);
    }
}
