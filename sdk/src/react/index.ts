import { createContext, createElement, type ReactNode, useContext, useSyncExternalStore } from "react";
import type { Assignment, User } from "../assign.js";
import type { Client } from "../client.js";
import type { SdkConfig } from "../types.js";

const ClientContext = createContext<Client | null>(null);

const NOT_RUNNING: Assignment = {
  inExperiment: false,
  variant: null,
  payload: null,
  reason: "not-running",
  unitId: null,
};

const noSubscribe = () => () => {};
const noConfig = (): SdkConfig | null => null;

/** Props of {@link ExperimentProvider}. */
export interface ExperimentProviderProps {
  client: Client;
  children?: ReactNode;
}

/**
 * Makes an SDK client available to `useVariant`, `useAssignment` and `<Variant>` below it.
 *
 * @example <ExperimentProvider client={client}><App /></ExperimentProvider>
 */
export function ExperimentProvider({ client, children }: ExperimentProviderProps): ReactNode {
  return createElement(ClientContext.Provider, { value: client }, children);
}

/** The client from the nearest {@link ExperimentProvider}, or null. */
export function useExperimentClient(): Client | null {
  return useContext(ClientContext);
}

/**
 * The full assignment for an experiment; re-renders when the client's config changes. Logs an
 * exposure (deduped) when the user is assigned. Without a provider: not running, variant null.
 *
 * @example const { variant, payload } = useAssignment("new-checkout");
 */
export function useAssignment(experimentKey: string, user?: User): Assignment {
  const client = useContext(ClientContext);
  // Subscribing makes the component re-render (and re-assign) when a new config arrives.
  useSyncExternalStore(
    client ? client.subscribe : noSubscribe,
    client ? client.getConfig : noConfig,
    client ? client.getConfig : noConfig,
  );
  return client ? client.getAssignment(experimentKey, user) : NOT_RUNNING;
}

/**
 * The variant key of an experiment for the current (or given) user: the control when not in
 * the experiment, null when the experiment is unknown or there is no provider.
 *
 * @example const variant = useVariant("new-checkout"); // "control" | "treatment" | null
 */
export function useVariant(experimentKey: string, user?: User): string | null {
  return useAssignment(experimentKey, user).variant;
}

/** Props of {@link Variant}. */
export interface VariantProps {
  experiment: string;
  /** Render children when the user's variant is this key (or one of these keys). */
  name: string | readonly string[];
  user?: User;
  children?: ReactNode;
  /** Rendered otherwise. Default nothing. */
  fallback?: ReactNode;
}

/**
 * Renders its children only for users in the named variant.
 *
 * @example <Variant experiment="new-checkout" name="treatment"><NewCheckout /></Variant>
 */
export function Variant({ experiment, name, user, children, fallback = null }: VariantProps): ReactNode {
  const variant = useVariant(experiment, user);
  const match = variant !== null && (typeof name === "string" ? variant === name : name.includes(variant));
  return match ? children : fallback;
}
