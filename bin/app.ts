#!/usr/bin/env node
// The CDK app that `cdk deploy` runs: reads leash.config.json (or `-c config=...` / LEASH_CONFIG) and defines
// the organization stack and the per-account agent stacks. Configuration errors name file and JSON path.
import { existsSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { loadConfigFile } from '../lib/config/load';
import type { LeashConfig } from '../lib/config/schema';
import { defineLeashStacks, type LeashStacks } from '../lib/constructs/leash-app';
import { GuardrailSpecError } from '../lib/guardrails';
import { productionSpellingDoubts } from '../lib/guardrails/production-lookalikes';
import { InputError } from '../lib/util/read-input';

export const DEFAULT_CONFIG_FILE = 'leash.config.json';
export const EXAMPLE_CONFIG_FILE = 'leash.config.example.json';

export interface ConfigChoice {
  readonly file: string;
  /** Why this file: `context`, `environment`, `default` or `example` (the fallback, with a warning). */
  readonly source: 'context' | 'environment' | 'default' | 'example';
}

/**
 * Which config file to read: CDK context `config`, then LEASH_CONFIG, then leash.config.json, then the
 * shipped example. A file named explicitly must exist; only the default falls back to the example.
 */
export function chooseConfigFile(
  contextValue: unknown,
  environment: NodeJS.ProcessEnv,
  exists: (file: string) => boolean = existsSync,
): ConfigChoice {
  if (contextValue !== undefined) {
    if (typeof contextValue !== 'string' || contextValue.length === 0) {
      throw new InputError('-c config=...: expected a file name');
    }
    return { file: contextValue, source: 'context' };
  }
  const fromEnvironment = environment.LEASH_CONFIG;
  if (fromEnvironment) return { file: fromEnvironment, source: 'environment' };
  if (exists(DEFAULT_CONFIG_FILE)) return { file: DEFAULT_CONFIG_FILE, source: 'default' };
  if (exists(EXAMPLE_CONFIG_FILE)) return { file: EXAMPLE_CONFIG_FILE, source: 'example' };
  throw new InputError(
    `${DEFAULT_CONFIG_FILE}: no such file (and no ${EXAMPLE_CONFIG_FILE} to fall back to): ` +
      'create one, or name it with -c config=FILE or LEASH_CONFIG=FILE',
  );
}

/** Read and validate a config file the way every `leash` command does (unknown keys are errors). */
export function loadAppConfig(file: string): LeashConfig {
  return loadConfigFile(file);
}

/** Define the stacks on `app` from the config the app's context and environment point at. */
export function buildLeashApp(
  app: App,
  environment: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = (message) => process.stderr.write(`${message}\n`),
): LeashStacks {
  const choice = chooseConfigFile(app.node.tryGetContext('config'), environment);
  if (choice.source === 'example') {
    warn(
      `warning: ${DEFAULT_CONFIG_FILE} not found; using ${EXAMPLE_CONFIG_FILE}, whose OU and account ids are ` +
        'placeholders. Copy it to leash.config.json and edit it before deploying.',
    );
  }
  const config = loadAppConfig(choice.file);
  for (const doubt of productionSpellingDoubts(config.guardrails.production))
    warn(`warning: ${choice.file}: ${doubt.message}`);
  try {
    return defineLeashStacks(app, config, { configFile: choice.file });
  } catch (err) {
    if (err instanceof GuardrailSpecError) {
      throw new InputError(
        err.message
          .split('\n')
          .map((line) => `${choice.file}: guardrails.${line}`)
          .join('\n'),
      );
    }
    throw err;
  }
}

if (require.main === module) {
  try {
    buildLeashApp(new App());
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 2;
  }
}
