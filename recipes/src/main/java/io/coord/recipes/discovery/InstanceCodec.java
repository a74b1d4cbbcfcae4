package io.coord.recipes.discovery;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** ServiceInstance to and from its JSON form. Unknown fields are ignored, so newer writers can add some. */
public final class InstanceCodec {
    private final ObjectMapper mapper = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public byte[] encode(ServiceInstance instance) {
        try {
            return mapper.writeValueAsBytes(instance);
        } catch (IOException e) {
            throw new IllegalArgumentException("instance payload is not JSON-able: " + e.getMessage(), e);
        }
    }

    /** The instance, or throws IllegalArgumentException for data that is not an instance. */
    public ServiceInstance decode(byte[] json) {
        try {
            return mapper.readValue(json, ServiceInstance.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a service instance: " + e.getMessage(), e);
        }
    }
}
