/**
 * The worker side of a node: {@link io.jswarm.worker.engine.LocalEngine} (images and containers
 * under runc/conmon), {@link io.jswarm.worker.agent.Agent} (the Dispatcher session and task
 * executor) and {@link io.jswarm.worker.EngineService} (the Engine gRPC API).
 *
 * <p>A daemon wires them as:
 *
 * <pre>{@code
 * LocalEngine engine = new LocalEngine(dataRoot, nodeName);          // re-adopts containers on disk
 * server.addService(new EngineService(engine, nodeId, nodeName));    // Engine gRPC
 * Agent agent = new Agent(new AgentConfig(nodeId, nodeName, engineAddr, managerAddrs, description, dial), engine);
 * agent.start();                                                     // session + executor
 * // shutdown: agent.close(); engine.close();  (containers keep running under conmon)
 * }</pre>
 */
package io.jswarm.worker;
