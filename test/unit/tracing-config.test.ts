// When a process traces, where its spans go and under which name, from the standard OTEL_* variables.
import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../lib/config.js';
import { tracingConfig } from '../../lib/tracing/config.js';

describe('tracingConfig', () => {
  it('is off when no exporter is asked for, or when it is turned off', () => {
    expect(tracingConfig({}, 'gateway')).toBeUndefined();
    expect(tracingConfig({ OTEL_SERVICE_NAME: 'gw' }, 'gateway')).toBeUndefined();
    expect(
      tracingConfig(
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' },
        'gateway',
      ),
    ).toBeUndefined();
    expect(
      tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }, 'gateway'),
    ).toBeUndefined();
  });

  it("sends OTLP/HTTP protobuf to the endpoint's /v1/traces, named after the process", () => {
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }, 'core-banking')).toEqual({
      serviceName: 'core-banking',
      exporter: 'otlp',
      url: 'http://collector:4318/v1/traces',
      protocol: 'http/protobuf',
    });
  });

  it('takes the traces endpoint as it is, JSON when asked, and the name OTEL_SERVICE_NAME gives', () => {
    expect(
      tracingConfig(
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otel.bank.example/ingest/traces',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_SERVICE_NAME: 'gateway-eu-1',
        },
        'gateway',
      ),
    ).toEqual({
      serviceName: 'gateway-eu-1',
      exporter: 'otlp',
      url: 'https://otel.bank.example/ingest/traces',
      protocol: 'http/json',
    });
  });

  it('exports to the local collector, or prints, when only OTEL_TRACES_EXPORTER is set', () => {
    expect(tracingConfig({ OTEL_TRACES_EXPORTER: 'otlp' }, 'worker')).toMatchObject({
      url: 'http://localhost:4318/v1/traces',
    });
    expect(tracingConfig({ OTEL_TRACES_EXPORTER: 'console' }, 'worker')).toMatchObject({
      exporter: 'console',
    });
  });

  it('refuses what it cannot do, naming the variable', () => {
    const refused = (env: Record<string, string>) => () => tracingConfig(env, 'auth');
    expect(refused({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(
      new ConfigError('OTEL_TRACES_EXPORTER must be otlp, console or none'),
    );
    expect(
      refused({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
    ).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL must be http\/protobuf or http\/json .*gRPC/);
    expect(refused({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/,
    );
  });
});
