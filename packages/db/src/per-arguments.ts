/**
 * One `make(args)` per distinct arguments: a per-request loader of nested lists gets one batch
 * per page size and filter, so every parent asking for the same page shares it. Arguments are
 * told apart by their JSON.
 */
export function perArguments<A, L>(make: (args: A) => L): (args: A) => L {
  const made = new Map<string, L>();
  return (args) => {
    const key = JSON.stringify(args);
    let instance = made.get(key);
    if (instance === undefined) {
      instance = make(args);
      made.set(key, instance);
    }
    return instance;
  };
}
