/** Where the bus, relay and consumers report trouble; `console` fits, tests capture it. */
export interface EventsLogger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export const consoleLogger: EventsLogger = {
  info: (message) => console.info(`[events] ${message}`),
  error: (message, error) => console.error(`[events] ${message}`, error instanceof Error ? error.message : (error ?? '')),
};
