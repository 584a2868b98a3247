// Entry point of the agent bundle that is shipped to the VMs (see master/bundle.ts).
import { main } from './main.ts';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
