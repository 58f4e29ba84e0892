/**
 * Kafka's rules tying `listeners`, `advertised.listeners`,
 * `listener.security.protocol.map`, `controller.listener.names` and
 * `inter.broker.listener.name` together (KafkaConfig's validation in Kafka
 * 4), plus Samsa's own: every listener in use must speak PLAINTEXT.
 */
import type { ProcessRole } from "./broker-config.ts";
import {
  checkDistinct,
  type Listener,
  parseListener,
  parseSecurityProtocolMap,
  type SecurityProtocol,
} from "./listeners.ts";

export interface ListenerInputs {
  readonly roles: readonly ProcessRole[];
  readonly listeners: readonly string[];
  readonly advertisedListeners: readonly string[] | null;
  readonly protocolMapText: string;
  readonly protocolMapExplicit: boolean;
  readonly controllerListenerNames: readonly string[] | null;
  readonly interBrokerListenerName: string | null;
}

export interface ListenerLayout {
  readonly listeners: readonly Listener[];
  readonly brokerListeners: readonly Listener[];
  readonly controllerListeners: readonly Listener[];
  readonly advertisedListeners: readonly Listener[];
  readonly protocols: ReadonlyMap<string, SecurityProtocol>;
  readonly controllerListenerNames: readonly string[];
}

function parseAll(texts: readonly string[]): Listener[] {
  return texts.flatMap((text) => {
    const parsed = parseListener(text);
    return parsed.ok ? [parsed.value] : [];
  });
}

/** Kafka maps controller listeners to PLAINTEXT when the map is left at its default. */
function effectiveProtocols(
  inputs: ListenerInputs,
  controllerNames: readonly string[],
): Map<string, SecurityProtocol> {
  const parsed = parseSecurityProtocolMap(inputs.protocolMapText);
  const protocols = new Map(parsed.ok ? parsed.value : []);
  if (!inputs.protocolMapExplicit) {
    for (const name of controllerNames) if (!protocols.has(name)) protocols.set(name, "PLAINTEXT");
  }
  return protocols;
}

function checkProtocols(
  names: Iterable<string>,
  protocols: ReadonlyMap<string, SecurityProtocol>,
  problems: string[],
): void {
  for (const name of new Set(names)) {
    const protocol = protocols.get(name);
    if (protocol === undefined)
      problems.push(`listener.security.protocol.map: no security protocol is defined for listener ${name}`);
    else if (protocol !== "PLAINTEXT")
      problems.push(`listener ${name} uses ${protocol}; Samsa supports only PLAINTEXT listeners for now`);
  }
}

function checkControllerNames(
  inputs: ListenerInputs,
  names: readonly string[],
  bound: ReadonlySet<string>,
  problems: string[],
): void {
  const key = "controller.listener.names";
  if (inputs.roles.includes("controller")) {
    for (const name of names)
      if (!bound.has(name))
        problems.push(`${key}: ${name} must also appear in listeners when this node is a controller`);
    return;
  }
  if (names.length === 0)
    problems.push(`${key} must name at least one listener when this node is only a broker`);
  for (const name of names)
    if (bound.has(name))
      problems.push(`${key}: ${name} must not appear in listeners when this node is only a broker`);
}

function checkAdvertised(
  inputs: ListenerInputs,
  advertised: readonly Listener[],
  bound: ReadonlySet<string>,
  problems: string[],
): void {
  const key = "advertised.listeners";
  if (!inputs.roles.includes("broker")) return;
  if (advertised.length === 0)
    problems.push(`${key}: a broker must advertise at least one listener that is not a controller listener`);
  for (const listener of advertised) {
    if (!bound.has(listener.name))
      problems.push(
        `${key}: ${listener.name} is not one of the listener names in listeners (${[...bound].join(", ")})`,
      );
    if (listener.host === "0.0.0.0" || listener.host === "::")
      problems.push(
        `${key}: ${listener.name} cannot advertise the non-routable address ${listener.host}; set advertised.listeners to a routable host`,
      );
  }
  const interBroker = inputs.interBrokerListenerName?.toUpperCase() ?? null;
  if (interBroker !== null && !advertised.some((l) => l.name === interBroker))
    problems.push(
      `inter.broker.listener.name: ${interBroker} must be one of the advertised broker listeners`,
    );
}

/** Resolves the listener layout, appending a message to `problems` for each rule broken. */
export function resolveListeners(inputs: ListenerInputs, problems: string[]): ListenerLayout {
  const listeners = parseAll(inputs.listeners);
  const controllerListenerNames = (inputs.controllerListenerNames ?? []).map((name) => name.toUpperCase());
  const isController = (l: Listener) => controllerListenerNames.includes(l.name);
  const protocols = effectiveProtocols(inputs, controllerListenerNames);
  const advertisedAll =
    inputs.advertisedListeners === null ? listeners : parseAll(inputs.advertisedListeners);
  checkProtocols(
    [...listeners, ...advertisedAll].map((l) => l.name).concat(controllerListenerNames),
    protocols,
    problems,
  );
  const distinct = checkDistinct(listeners, true);
  if (distinct !== null) problems.push(`listeners: ${distinct}`);
  const distinctAdvertised = checkDistinct(advertisedAll, false);
  if (distinctAdvertised !== null) problems.push(`advertised.listeners: ${distinctAdvertised}`);
  const bound = new Set(listeners.map((l) => l.name));
  checkControllerNames(inputs, controllerListenerNames, bound, problems);
  const brokerListeners = listeners.filter((l) => !isController(l));
  if (inputs.roles.includes("broker") && brokerListeners.length === 0)
    problems.push("listeners: a broker needs at least one listener that is not a controller listener");
  const advertisedListeners = advertisedAll.filter((l) => !isController(l));
  checkAdvertised(inputs, advertisedListeners, bound, problems);
  return {
    listeners,
    brokerListeners,
    controllerListeners: listeners.filter(isController),
    advertisedListeners,
    protocols,
    controllerListenerNames,
  };
}
