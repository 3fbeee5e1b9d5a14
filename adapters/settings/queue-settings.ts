// How often the host hands a queue message to a function before it moves it to the poison queue:
// host.json `extensions.queues.maxDequeueCount`. Kept as a constant (a function's code does not
// read host.json, whose place differs between a deployment and the test tree); a unit test holds
// the two equal.
export const MAX_DEQUEUE = 5;
