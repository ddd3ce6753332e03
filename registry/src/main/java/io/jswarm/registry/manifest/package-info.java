/** Manifest media types and the shape checks a pushed manifest must pass (MANIFEST_INVALID otherwise). */
package io.jswarm.registry.manifest;
