// Demo customers for development and tests, seeded when the authorization server starts outside
// production. Their passwords are public: the README lists them.
import type { Models } from '../../db/models/index.js';
import { hashPassword } from './passwords.js';

export const DEMO_CUSTOMERS = [
  {
    _id: 'c0a80001-0000-4000-8000-000000000001',
    username: '52998224725',
    password: 'ana-demo-2026',
    type: 'personal' as const,
    name: 'Ana Souza',
    email: 'ana.souza@customer.example',
    cpf: '52998224725',
  },
  {
    _id: 'c0a80001-0000-4000-8000-000000000002',
    username: '11144477735',
    password: 'bruno-demo-2026',
    type: 'business' as const,
    name: 'Bruno Lima (Padaria Exemplo Ltda)',
    email: 'bruno.lima@customer.example',
    cpf: '11144477735',
    cnpj: '11222333000181',
  },
];

export async function seedDemoCustomers(models: Pick<Models, 'Customer'>): Promise<void> {
  for (const { password, ...customer } of DEMO_CUSTOMERS) {
    if (await models.Customer.exists({ _id: customer._id })) continue;
    await models.Customer.updateOne(
      { _id: customer._id },
      { $setOnInsert: { ...customer, passwordHash: await hashPassword(password), failedAttempts: 0 } },
      { upsert: true },
    );
  }
}
