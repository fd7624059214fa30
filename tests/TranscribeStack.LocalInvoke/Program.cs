// Test tool for the workflow behaviour tests (tests/workflow): hosts the real C# job planner and
// answers one line of JSON per request line. See LocalInvoker for the protocol.
using TranscribeStack.Contracts;
using TranscribeStack.Functions.JobPlanning;
using TranscribeStack.LocalInvoke;

await LocalInvoker.RunAsync(Console.In, Console.Out, () => new JobPlannerHandler());
