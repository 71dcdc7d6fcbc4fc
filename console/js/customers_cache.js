// Customers by id, fetched once per page load: lists show names, not ids.
import { api } from './api.js';

const cache = new Map();

export function customerById(id) {
  if (!cache.has(id)) {
    cache.set(id, api.getCustomer(id).catch((error) => {
      cache.delete(id);
      throw error;
    }));
  }
  return cache.get(id);
}

export function rememberCustomer(customer) {
  cache.set(customer.id, Promise.resolve(customer));
}
