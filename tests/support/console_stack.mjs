// Starts build/tests/console_stack (the whole suite on a throwaway database; path in
// $AIEVENTS_CONSOLE_STACK) for the tests written in JavaScript, and reads the JSON line it
// prints once everything is up. stop() closes its input, which shuts it down.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export function startStack(timeoutMs = 120000) {
  return new Promise((resolve, reject) => {
    const stack = spawn(process.env.AIEVENTS_CONSOLE_STACK, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    const timer = setTimeout(() => reject(new Error(`console_stack did not start in ${timeoutMs} ms`)), timeoutMs);
    stack.on('exit', (code) => reject(new Error(`console_stack exited with ${code}`)));
    createInterface({ input: stack.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve({ config: JSON.parse(line), stop: () => stack.stdin.end() });
    });
  });
}
