// Writes a run's outputs into a directory (created when missing): summary.json, metrics.csv,
// trace.json and report.html. A run without metrics (checker or metrics off) still gets
// summary.json and report.html (the verdict); metrics.csv and trace.json need the metrics.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../../scenario/schema.ts';
import type { NestedReport } from '../nested-report.ts';
import { metricsCsv } from './metrics-csv.ts';
import { reportHtml } from './report-html.ts';
import { runSummary, summaryJson } from './summary-json.ts';
import { traceJson } from './trace-json.ts';

export const outputFiles = ['summary.json', 'metrics.csv', 'trace.json', 'report.html'] as const;

/** Writes the files; returns the paths written. */
export function writeOutputs(dir: string, report: NestedReport, scenario: Scenario, faultlineVersion: string): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const write = (name: string, body: string): void => {
    const p = join(dir, name);
    writeFileSync(p, body);
    written.push(p);
  };
  write('summary.json', summaryJson(runSummary(report, scenario, faultlineVersion)));
  const m = report.metrics;
  if (m !== null) {
    write('metrics.csv', metricsCsv(m));
    const trace = traceJson(m, { faultline: faultlineVersion, scenario: report.scenario, seed: report.seed, runtime: report.runtime }, report.placement ?? null);
    write('trace.json', `${JSON.stringify(trace)}\n`);
  }
  write('report.html', reportHtml(report, { faultline: faultlineVersion, scenario: report.scenario, seed: report.seed }));
  return written;
}
