/**
 * AWS Bedrock, Amazon Titan text embeddings:
 * `POST https://bedrock-runtime.{region}.amazonaws.com/model/{modelId}/invoke`, SigV4-signed,
 * body `{inputText, dimensions?, normalize: true}` (Titan v1 takes only `inputText`),
 * answer `{embedding, inputTextTokenCount}`. One text per request; concurrency does the rest.
 */
import type { HttpClient, JsonRequest } from '../http.js';
import { ProviderError, hostOf } from '../http.js';
import { field, type EmbedItem, type ProviderClient } from './provider.js';
import { signRequest, uriEncode, type AwsCredentials } from './sigv4.js';

export interface BedrockSettings {
  region: string;
  credentials: AwsCredentials;
  model: string;
  /** Overrides `https://bedrock-runtime.{region}.amazonaws.com` (VPC endpoints, tests). */
  endpoint: string | null;
  dimensions: number | null;
}

export function bedrockClient(s: BedrockSettings, http: HttpClient): ProviderClient {
  const base = s.endpoint ?? `https://bedrock-runtime.${s.region}.amazonaws.com`;
  const url = `${base}/model/${uriEncode(s.model)}/invoke`;
  const host = hostOf(url);
  const titanV1 = s.model.includes('titan-embed-text-v1');
  const sign = (r: JsonRequest) =>
    signRequest({
      method: 'POST',
      url: r.url,
      headers: r.headers ?? {},
      body: r.body,
      region: s.region,
      service: 'bedrock',
      credentials: s.credentials,
    });

  const embedOne = async (text: string) => {
    const body = titanV1
      ? { inputText: text }
      : { inputText: text, normalize: true, ...(s.dimensions === null ? {} : { dimensions: s.dimensions }) };
    const answer = await http.postJson(
      { url, headers: { accept: 'application/json' }, body: JSON.stringify(body) },
      sign,
    );
    const v = field(answer, 'embedding');
    if (!Array.isArray(v)) throw new ProviderError('aws', host, 'bad_response', 'answer has no embedding array');
    return v as number[];
  };

  return {
    provider: 'aws',
    model: s.model,
    host,
    maxBatch: 1,
    sectorAware: false,
    embedBatch: (items: readonly EmbedItem[]) => Promise.all(items.map((i) => embedOne(i.text))),
  };
}
