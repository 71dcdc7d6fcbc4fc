// Shared request plumbing: the API key header, the base URL, and aievents' error bodies turned
// into messages that name the field and the rule.

// The gateway's URL without a trailing slash.
function baseUrl(bundle) {
  return String(bundle.authData.base_url || '').replace(/\/+$/, '');
}

function addApiKey(request, z, bundle) {
  if (bundle.authData.api_key) request.headers['x-api-key'] = bundle.authData.api_key;
  request.headers.accept = 'application/json';
  return request;
}

// A request made with `skipThrowForStatus: true` (Zapier's own option) reads the status itself,
// as unsubscribing does to accept a 404; it can still call throwApiError.
function handleErrors(response, z) {
  if (response.status >= 400 && !response.skipThrowForStatus) throwApiError(response, z);
  return response;
}

function throwApiError(response, z) {
  let error = {};
  try {
    error = JSON.parse(response.content).error || {};
  } catch (e) {
    error = {};
  }
  const violations = (error.field_violations || [])
    .map((v) => `${v.field}: ${v.description}`).join('; ');
  const message = violations || error.message || `aievents answered ${response.status}`;
  if (response.status === 401) throw new z.errors.Error(`The API key was refused: ${message}`, 'AuthenticationError', 401);
  if (response.status === 429 || response.status === 503) {
    // Temporary: Zapier retries the step later.
    throw new z.errors.ThrottledError(message, Number(response.getHeader('retry-after')) || 1);
  }
  throw new z.errors.Error(message, error.code || 'Error', response.status);
}

module.exports = { baseUrl, addApiKey, handleErrors, throwApiError };
