import type { Site } from '../blueprint/model';
import type { SiteClients } from './aws';
import type { Journal } from './journal';
import type { TaskOutcome } from './tasks';
import type { Clock } from './time';

/** What `import` and `export` share: where, how long, the journal, the clients, and how to tell progress. */
export interface OperationOptions {
  site?: string;
  wait: boolean;
  deadline: number;
  report?: string;
  journal: Journal;
  clock: Clock;
  clientsFor: (site: Site) => SiteClients;
  say: (line: string) => void;
  onTask?: (outcome: TaskOutcome) => void;
}
