package io.jswarm.registry.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** An OCI content descriptor as listed in a referrers response. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Descriptor(
    String mediaType, String digest, long size, String artifactType, Map<String, String> annotations) {}
