export interface User {
  id: number;
  email: string;
  name: string;
  updatedAt: string;
}

export interface UserPatch {
  name?: string;
  email?: string;
}

export interface UserRow {
  id: number;
  email: string;
  name: string;
  updated_at: Date | string;
}

export const USER_COLUMNS = 'id, email, name, updated_at';

export function toUser(row: UserRow): User {
  return { id: row.id, email: row.email, name: row.name, updatedAt: new Date(row.updated_at).toISOString() };
}
