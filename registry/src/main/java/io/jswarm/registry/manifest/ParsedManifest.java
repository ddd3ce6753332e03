package io.jswarm.registry.manifest;

import io.jswarm.registry.core.Digest;
import java.util.List;
import java.util.Map;

/**
 * What the registry needs to know of a manifest: the media type it is stored under, the blobs
 * (config, layers) and manifests (index entries) it references, its subject, and what a referrers
 * list shows of it.
 */
public record ParsedManifest(
    String mediaType,
    List<Digest> blobs,
    List<Digest> manifests,
    Digest subject,
    String artifactType,
    Map<String, String> annotations) {}
