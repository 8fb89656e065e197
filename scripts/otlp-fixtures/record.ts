/**
 * Regenerates the OTLP trace fixtures of test/fixtures/otlp/ by running the real instrumentation
 * packages — OpenLLMetry's `@traceloop/instrumentation-openai` and OpenInference's
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
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { OpenAIInstrumentation as TraceloopInstrumentation } from '@traceloop/instrumentation-openai';
import { OpenAIInstrumentation as OpenInferenceInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { FakeLlmServer } from '../../test/support/fake-llm-server.js';
import { SCENARIOS, answerFor } from './scenarios.js';

const OUT = fileURLToPath(new URL('../../test/fixtures/otlp/', import.meta.url));

interface Instrumentation {
  setTracerProvider(provider: BasicTracerProvider): void;
  manuallyInstrument(module: typeof OpenAI): void;
  disable(): void;
}

const DIALECTS: Record<string, () => Instrumentation> = {
  openllmetry: () => new TraceloopInstrumentation({ traceContent: true, enrichTokens: false }),
  openinference: () => new OpenInferenceInstrumentation(),
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
    const text = `${line.toString('utf8')}\n`;
    writeFileSync(`${OUT}${dialect}.json`, text);
    writeFileSync(`${OUT}${dialect}.json.gz`, gzipSync(text));
    console.log(`wrote ${OUT}${dialect}.json (${exporter.getFinishedSpans().length} spans)`);
    instrumentation.disable();
    trace.disable();
  }
} finally {
  await server.close();
}
