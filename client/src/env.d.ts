// Types `.vue` imports for plain TypeScript, which ESLint's type-aware rules use; vue-tsc resolves
// the components themselves and never falls back to this.
declare module '*.vue' {
  import type { DefineComponent } from 'vue'

  const component: DefineComponent
  export default component
}
