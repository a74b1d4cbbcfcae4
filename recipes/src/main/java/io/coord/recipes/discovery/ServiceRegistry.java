package io.coord.recipes.discovery;

import io.coord.client.ConnectionState;
import io.coord.client.CoordClient;
import io.coord.client.CoordException;
import io.coord.client.CoordException.ConnectionLossException;
import io.coord.client.CoordException.NodeExistsException;
import io.coord.recipes.Nodes;
import io.coord.recipes.SerialWorker;
import io.coord.recipes.SessionGuard;
import io.coord.wire.CreateMode;
import io.coord.wire.Stat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers service instances as ephemeral JSON nodes {@code BASE/NAME/ID}: an instance vanishes
 * with its session. When the session is lost, every instance registered here is written again
 * in the new session, in the background.
 */
public final class ServiceRegistry implements AutoCloseable {
    public static final String DEFAULT_BASE_PATH = "/services";
    private static final Logger log = LoggerFactory.getLogger(ServiceRegistry.class);
    private static final long RETRY_MS = 200;
    private final CoordClient client;
    private final String basePath;
    private final InstanceCodec codec = new InstanceCodec();
    private final Map<String, ServiceInstance> registered = new ConcurrentHashMap<>();
    private final SerialWorker worker;
    private final SessionGuard guard;

    public ServiceRegistry(CoordClient client) {
        this(client, DEFAULT_BASE_PATH);
    }

    public ServiceRegistry(CoordClient client, String basePath) {
        this.client = client;
        this.basePath = Nodes.checkPath(basePath);
        this.worker = new SerialWorker("service-registry " + basePath, 100);
        this.guard = new SessionGuard(client, this::onSession);
    }

    public String pathOf(ServiceInstance instance) {
        return Nodes.join(Nodes.join(basePath, instance.name()), instance.id());
    }

    /**
     * Registers (or re-registers with new contents) {@code instance}.
     *
     * @throws IllegalStateException when another session holds the same name and id
     */
    public void register(ServiceInstance instance) {
        ServiceInstance before = registered.put(key(instance), instance);
        try {
            write(instance);
        } catch (RuntimeException e) {
            // Not ours to keep alive: do not re-register it after a session loss.
            if (before == null) {
                registered.remove(key(instance), instance);
            } else {
                registered.put(key(instance), before);
            }
            throw e;
        }
    }

    /** Replaces the registered data of an instance (same name and id), e.g. to mark it DOWN. */
    public void update(ServiceInstance instance) {
        register(instance);
    }

    public void unregister(ServiceInstance instance) {
        registered.remove(key(instance));
        Nodes.deleteSafely(client, pathOf(instance), -1);
    }

    /** Instances this registry keeps registered. */
    public List<ServiceInstance> registered() {
        return List.copyOf(registered.values());
    }

    private void write(ServiceInstance instance) {
        String path = pathOf(instance);
        byte[] json = codec.encode(instance);
        Nodes.ensurePath(client, Nodes.parent(path));
        while (true) {
            try {
                client.create(path, json, Nodes.ACL, CreateMode.EPHEMERAL);
                return;
            } catch (NodeExistsException | ConnectionLossException e) {
                Stat stat = client.exists(path);
                if (stat == null) {
                    continue; // gone meanwhile (or the lost create never happened): create again
                }
                if (stat.ephemeralOwner() != client.sessionId()) {
                    throw new IllegalStateException("instance " + path + " is registered by another session 0x"
                            + Long.toHexString(stat.ephemeralOwner()));
                }
                client.setData(path, json, -1);
                return;
            }
        }
    }

    private void onSession(ConnectionState state) {
        if (state == ConnectionState.CONNECTED) {
            worker.submit(this::reRegisterAll);
        }
    }

    private void reRegisterAll() {
        for (ServiceInstance instance : registered.values()) {
            try {
                if (registered.containsKey(key(instance))) {
                    write(instance);
                }
            } catch (CoordException e) {
                log.debug("re-registering {} failed ({}); retrying", pathOf(instance), e.getMessage());
                CompletableFuture.delayedExecutor(RETRY_MS, TimeUnit.MILLISECONDS)
                        .execute(() -> worker.submit(this::reRegisterAll));
                return;
            } catch (IllegalStateException e) {
                log.warn("cannot re-register {}: {}", pathOf(instance), e.getMessage());
            }
        }
    }

    /** Unregisters everything registered here and stops re-registering. */
    @Override
    public void close() {
        guard.close();
        worker.close();
        for (ServiceInstance instance : registered.values()) {
            unregister(instance);
        }
    }

    private static String key(ServiceInstance i) {
        return i.name() + "/" + i.id();
    }
}
