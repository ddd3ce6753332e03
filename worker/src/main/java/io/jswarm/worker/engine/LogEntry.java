package io.jswarm.worker.engine;

/**
 * One complete line of container output (partial CRI lines already joined).
 *
 * @param stream stdout or stderr
 * @param data the line's bytes without its newline
 */
public record LogEntry(long timeNs, String stream, byte[] data) {}
