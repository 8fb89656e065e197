/**
 * Regenerates the OTLP trace fixtures of test/fixtures/otlp/ by running the real instrumentation
 * packages — OpenLLMetry's `@traceloop/instrumentation-openai` (today's, and 0.20 as
 * `traceloop-openai-legacy`, which wrote `gen_ai.prompt.N.*`) and OpenInference's
 * `@arizeai/openinference-instrumentation-openai` — around the real `openai` client, pointed at the
 * local stand-in server (no network). The spans are serialised by `@opentelemetry/otlp-transformer`'s
 * JSON serializer: one ExportTraceServiceRequest per line, as the OpenTelemetry Collector's file
 * exporter writes them; each file is also written gzipped.
 *   npx tsx scripts/otlp-fixtures/record.ts
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { JsonLogsSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { OpenAIInstrumentation as OtelInstrumentation } from '@opentelemetry/instrumentation-openai';
import { OpenAIInstrumentation as TraceloopInstrumentation } from '@traceloop/instrumentation-openai';
import { OpenAIInstrumentation as OpenInferenceInstrumentation } from '@arizeai/openinference-instrumentation-openai';
// OpenLLMetry before it moved to the GenAI conventions' attributes: gen_ai.prompt.N.* / gen_ai.completion.N.*.
import { OpenAIInstrumentation as LegacyTraceloopInstrumentation } from 'traceloop-openai-legacy';
import { FakeLlmServer } from '../../test/support/fake-llm-server.js';
import { SCENARIOS, answerFor } from './scenarios.js';

const OUT = fileURLToPath(new URL('../../test/fixtures/otlp/', import.meta.url));

interface Instrumentation {
  setTracerProvider(provider: BasicTracerProvider): void;
  /** Patches the client class; for an instrumentation without a manual entry, its module hook run by hand. */
  manuallyInstrument(module: typeof OpenAI): void;
  disable(): void;
  /** The log records it emitted (the GenAI conventions' event form), when it emits any. */
  readonly logs?: InMemoryLogRecordExporter;
}

/**
 * The OpenTelemetry project's own instrumentation: message content goes into log records (events
 * `gen_ai.user.message`, `gen_ai.choice`, …) tied to the span, not into span attributes.
 */
function otelInstrumentation(): Instrumentation {
  const logs = new InMemoryLogRecordExporter();
  const instrumentation = new OtelInstrumentation({ captureMessageContent: true });
  instrumentation.setLoggerProvider(
    new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: logs })] }),
  );
  return {
    logs,
    setTracerProvider: (provider) => instrumentation.setTracerProvider(provider),
    manuallyInstrument: (module) => {
      for (const definition of instrumentation.getModuleDefinitions()) definition.patch?.({ OpenAI: module }, '6.0.0');
    },
    disable: () => instrumentation.disable(),
  };
}

const DIALECTS: Record<string, () => Instrumentation> = {
  openllmetry: () => new TraceloopInstrumentation({ traceContent: true, enrichTokens: false }),
  openinference: () => new OpenInferenceInstrumentation(),
  'openllmetry-0.20': () => new LegacyTraceloopInstrumentation({ traceContent: true, enrichTokens: false }),
  opentelemetry: otelInstrumentation,
};

const server = await FakeLlmServer.start({ respond: answerFor });
try {
  for (const [dialect, make] of Object.entries(DIALECTS)) {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    trace.setGlobalTracerProvider(provider);
    const instrumentation = make();
    instrumentation.setTracerProvider(provider);
    instrumentation.manuallyInstrument(OpenAI);
    const client = new OpenAI({ apiKey: 'sk-fixture-not-a-key', baseURL: server.openaiBaseURL, maxRetries: 0 });
    const answers: OpenAI.Chat.Completions.ChatCompletion[] = [];
    for (const scenario of SCENARIOS) answers.push(await client.chat.completions.create(scenario.request));
    // What the API returned to this run, per scenario: the readers are checked against these.
    const expected = SCENARIOS.map((scenario, i) => ({
      name: scenario.name,
      request: scenario.request,
      response: answers[i],
    }));
    writeFileSync(`${OUT}${dialect}.expected.json`, `${JSON.stringify(expected, null, 2)}\n`);
    await provider.forceFlush();
    const line = Buffer.from(JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans()) ?? new Uint8Array());
    // Logs and traces in one file, as a Collector writes them when both pipelines share a file exporter.
    const logRecords = instrumentation.logs?.getFinishedLogRecords() ?? [];
    const logLine = logRecords.length
      ? `${Buffer.from(JsonLogsSerializer.serializeRequest(logRecords) ?? new Uint8Array()).toString('utf8')}\n`
      : '';
    const text = `${line.toString('utf8')}\n${logLine}`;
    writeFileSync(`${OUT}${dialect}.json`, text);
    writeFileSync(`${OUT}${dialect}.json.gz`, gzipSync(text));
    console.log(`wrote ${OUT}${dialect}.json (${exporter.getFinishedSpans().length} spans)`);
    instrumentation.disable();
    trace.disable();
  }
} finally {
  await server.close();
}
