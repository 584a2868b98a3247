// Entry point of the agent bundle that is shipped to the VMs (see master/push/bundle.ts).
import { main } from './main.ts';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
