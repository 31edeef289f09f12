// The package's entry point (`import … from 'faultline'`): the public API of src/api.
export * from './api/index.ts';
