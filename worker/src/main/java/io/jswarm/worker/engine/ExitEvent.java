package io.jswarm.worker.engine;

/** A container's main process has exited; fired once per exit and engine instance. */
public record ExitEvent(String containerId, String taskId, int exitCode) {}
