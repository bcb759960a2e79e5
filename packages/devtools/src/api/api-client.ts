/** The few REST calls the demo makes, as a merchant's server would make them. */
export interface ApiClient {
  request<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
}

export class ApiRequestError extends Error {
  override name = "ApiRequestError";
}

export function apiClient(apiUrl: string, apiKey: string): ApiClient {
  return {
    async request(method, path, body, headers = {}) {
      const response = await fetch(`${apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new ApiRequestError(`${method} ${path}: ${response.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as never;
    },
  };
}
